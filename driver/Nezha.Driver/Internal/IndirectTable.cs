using Nezha.Common.Registers;

namespace Nezha.Driver.Internal;

/// <summary>An indirect table: DATA words, INDEX, CMD (1 write, 2 read).</summary>
internal sealed class IndirectTable(RegisterBus bus, uint baseAddr, int words)
{
    public const uint CmdWrite = 1;
    public const uint CmdRead = 2;

    public int Words => words;

    public void Write(int index, ReadOnlySpan<uint> data)
    {
        for (int n = 0; n < words; n++)
            bus.Write(baseAddr + NezhaRegs.TBL_DATA + 4u * (uint)n, data[n]);
        bus.Write(baseAddr + NezhaRegs.TBL_INDEX, (uint)index);
        bus.Command(baseAddr, CmdWrite);
    }

    public void Read(int index, Span<uint> data)
    {
        bus.Write(baseAddr + NezhaRegs.TBL_INDEX, (uint)index);
        bus.Command(baseAddr, CmdRead);
        for (int n = 0; n < words; n++)
            data[n] = bus.Read(baseAddr + NezhaRegs.TBL_DATA + 4u * (uint)n);
    }

    /// <summary>Writes the same DATA to many entries: DATA once, then INDEX and CMD per entry.</summary>
    public void Fill(int first, int count, ReadOnlySpan<uint> data)
    {
        for (int n = 0; n < words; n++)
            bus.Write(baseAddr + NezhaRegs.TBL_DATA + 4u * (uint)n, data[n]);
        for (int i = first; i < first + count; i++)
        {
            bus.Write(baseAddr + NezhaRegs.TBL_INDEX, (uint)i);
            bus.Command(baseAddr, CmdWrite);
        }
    }
}
