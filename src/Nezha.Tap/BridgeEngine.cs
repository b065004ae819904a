using Nezha.Driver;
using Nezha.Verify.Sim;
using Nezha.Verify.Testbench;

namespace Nezha.Verify.Tap;

/// <summary>
/// What the bridge drives: the simulated card, optionally with the golden model checking every frame and
/// every register read (<see cref="NicBench"/>). Output frames are handed to <see cref="OnOutput"/> as they
/// complete.
/// </summary>
internal abstract class BridgeEngine : IDisposable
{
    public static BridgeEngine Create(SimConfig config, bool check, ulong seed) =>
        check ? new CheckedEngine(config, seed) : new PlainEngine(config, seed);

    public abstract SimNic Sim { get; }
    public abstract NicDriver Driver { get; }
    /// <summary>Raw register access (both models when checked).</summary>
    public abstract IRegisterTransport Bus { get; }
    public abstract bool Checked { get; }
    public Action<SimFrame> OnOutput { get; set; } = _ => { };

    public abstract void Push(int port, byte[] frame, uint tuser);
    /// <summary>Runs <paramref name="cycles"/> cycles and hands out what completed.</summary>
    public abstract void Step(uint cycles);
    /// <summary>Runs until the card is idle (every pushed frame processed and out).</summary>
    public abstract void Settle();

    public virtual long FramesChecked => 0;
    public virtual IReadOnlyList<string> Errors => [];

    public abstract void Dispose();

    private sealed class CheckedEngine : BridgeEngine
    {
        private readonly NicBench _bench;

        public CheckedEngine(SimConfig config, ulong seed)
        {
            _bench = new NicBench(config, seed) { KeepRetired = false };
            _bench.OnOutput = f => OnOutput(f);
        }

        public override SimNic Sim => _bench.Sim;
        public override NicDriver Driver => _bench.Driver;
        public override IRegisterTransport Bus => _bench.Bus;
        public override bool Checked => true;
        public override long FramesChecked => _bench.FramesChecked;
        public override IReadOnlyList<string> Errors => _bench.Errors;
        public override void Push(int port, byte[] frame, uint tuser) => _bench.Send(port, frame, tuser);
        public override void Step(uint cycles) => _bench.Pump(cycles);
        public override void Settle() => _bench.Drain(50_000_000);
        public override void Dispose() => _bench.Dispose();
    }

    private sealed class PlainEngine : BridgeEngine
    {
        private readonly SimNic _sim;
        private readonly SimTransport _bus;

        public PlainEngine(SimConfig config, ulong seed)
        {
            _sim = new SimNic(config, seed);
            _sim.RunUntilIdle(1_000_000); // the session table clears itself after reset
            _bus = new SimTransport(_sim);
            Driver = new NicDriver(_bus);
        }

        public override SimNic Sim => _sim;
        public override NicDriver Driver { get; }
        public override IRegisterTransport Bus => _bus;
        public override bool Checked => false;
        public override void Push(int port, byte[] frame, uint tuser) => _sim.Push(port, frame, tuser);

        public override void Step(uint cycles)
        {
            _sim.Step(cycles);
            Collect();
        }

        public override void Settle()
        {
            _sim.RunUntilIdle(50_000_000);
            Collect();
        }

        private void Collect()
        {
            for (int p = 0; p < 2; p++)
                while (_sim.TryPop(p, out SimFrame f))
                    OnOutput(f);
        }

        public override void Dispose() => _sim.Dispose();
    }
}
