using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

public class ModuleTests
{
    private sealed class Stack : Module
    {
        public Stack(Generator g)
        {
            var blocks = RegisterModule("blocks", new Holder());
            for (int i = 0; i < 4; i++)
            {
                var block = new Holder();
                block.Add("attn", new AttentionBlock(8, 2, new DenseAttention(), g, groups: 4));
                blocks.Add(i.ToString(), block);
            }
            RegisterParameter("scale", Tensor.Ones([1]));
        }
    }

    private sealed class Holder : Module
    {
        public void Add(string name, Module m) => RegisterModule(name, m);
    }

    [Fact]
    public void Parameter_names_are_hierarchical_and_in_registration_order()
    {
        var names = new Stack(new Generator(1)).NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal("scale", names[0]);
        Assert.Contains("blocks.3.attn.q.weight", names);
        Assert.Equal("blocks.0.attn.norm.weight", names[1]);
        Assert.Contains("blocks.3.attn.proj_out.bias", names);
        Assert.Equal(1 + 4 * (2 + 4 * 2), names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Registration_rejects_duplicates_and_dotted_names()
    {
        var h = new Holder();
        h.Add("a", new SiLU());
        Assert.Throws<ArgumentException>(() => h.Add("a", new SiLU()));
        Assert.Throws<ArgumentException>(() => h.Add("a.b", new SiLU()));
    }

    [Fact]
    public void Train_and_eval_reach_every_descendant()
    {
        var m = new Stack(new Generator(1));
        m.Eval();
        Assert.All(AllModules(m), x => Assert.False(x.Training));
        m.Train();
        Assert.All(AllModules(m), x => Assert.True(x.Training));
    }

    private static IEnumerable<Module> AllModules(Module m) => new[] { m }.Concat(m.NamedChildren().SelectMany(c => AllModules(c.Module)));

    [Fact]
    public void Same_seed_gives_same_weights_and_parameters_require_grad()
    {
        var a = new Stack(new Generator(5)).StateDict();
        var b = new Stack(new Generator(5)).StateDict();
        var c = new Stack(new Generator(6)).StateDict();
        foreach (var key in a.Keys) Assert.Equal(a[key].ToArray(), b[key].ToArray());
        Assert.NotEqual(a["blocks.0.attn.q.weight"].ToArray(), c["blocks.0.attn.q.weight"].ToArray());
        Assert.All(new Stack(new Generator(5)).Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void ZeroGrad_clears_gradients()
    {
        var lin = new Linear(3, 2, new Generator(1));
        lin.Forward(Tensor.Ones([4, 3])).Sum().Backward();
        Assert.NotNull(lin.Weight.Grad);
        lin.ZeroGrad();
        Assert.All(lin.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Linear_init_is_uniform_within_one_over_sqrt_fan_in()
    {
        int fanIn = 256, fanOut = 128;
        var lin = new Linear(fanIn, fanOut, new Generator(3));
        double bound = 1 / Math.Sqrt(fanIn);
        var w = lin.Weight.ToArray<double>();
        var b = lin.Bias!.ToArray<double>();
        Assert.All(w, x => Assert.InRange(x, -bound, bound));
        Assert.All(b, x => Assert.InRange(x, -bound, bound));
        // U(-a, a): mean 0, variance a^2 / 3. 32768 samples: standard error of the mean ~ a / 313.
        double mean = w.Average();
        double variance = w.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, -0.02 * bound, 0.02 * bound);
        Assert.InRange(variance, bound * bound / 3 * 0.97, bound * bound / 3 * 1.03);
        Assert.True(w.Max() > 0.99 * bound && w.Min() < -0.99 * bound);
        Assert.Equal([fanOut, fanIn], lin.Weight.Shape);
    }

    [Fact]
    public void GroupNorm_starts_with_weight_one_and_bias_zero()
    {
        var gn = new GroupNorm(4, 8);
        Assert.All(gn.Weight!.ToArray(), x => Assert.Equal(1f, x));
        Assert.All(gn.Bias!.ToArray(), x => Assert.Equal(0f, x));
        Assert.Equal(32, GroupNorm.GroupsFor(128));
        Assert.Equal(16, GroupNorm.GroupsFor(16));
        Assert.Equal(24, GroupNorm.GroupsFor(48));
        Assert.Equal(4, GroupNorm.GroupsFor(12, preferred: 5));
    }
}
