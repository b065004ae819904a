# Bash completion for nezha; installed by the Nezha Makefile (make install), removed by make uninstall.
# Without make install: source this file (e.g. from ~/.bashrc) once `nezha` is on the PATH.
#
# The candidates come from nezha itself: System.CommandLine answers the [suggest:POSITION] directive with the
# subcommands, options and option values (--width 8 64 512, --port net host ...) valid at the cursor.
_nezha()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} IFS=$'\n'
    case $prev in
        -c|--config|-i|--in|--trace) COMPREPLY=($(compgen -f -- "$cur")); return;;
        -o|--out|--capture) COMPREPLY=($(compgen -d -- "$cur")); return;;
    esac
    local words
    words=$(nezha "[suggest:$COMP_POINT]" "$COMP_LINE" 2>/dev/null | grep -v '^/') || return
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _nezha nezha
