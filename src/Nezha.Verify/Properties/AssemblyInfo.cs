using System.Runtime.CompilerServices;

// The module benches compare single RTL modules with the matching golden-model component.
[assembly: InternalsVisibleTo("Nezha.Tests")]
