using System.CommandLine;
using GsdmCore.Cli.Errors;
using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Cli.Runs;
using GsdmCore.Cli.Training;
using GsdmCore.Diffusion.Training;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Settings;

/// <summary>
/// Everything <c>gsdm train</c> resolved from its flags, the config file and (on --resume) the checkpoint: the
/// problem, a ready trainer, the run folder and the budget.
/// </summary>
public sealed record TrainPlan(ProblemSpec Spec, IProblem Problem, GsdmTrainer Trainer, RunFolder Folder, TrainingBudget Budget, string? ResumedFrom)
{
    /// <summary>Resolves the plan (flags override the config file; the checkpoint fixes the network on --resume).</summary>
    public static TrainPlan Resolve(TrainOptions options, ParseResult parse)
    {
        string? configPath = parse.GetValue(options.Config);
        var config = configPath is null ? null : ConfigFile.Load(configPath);
        config?.RequireKnownKeys(options.Configurable.Select(SettingSource.Key).ToArray());
        var source = new SettingSource(parse, config);
        var device = ModelChoices.Device(source.String(options.Device));
        double? timeLimit = source.Double(options.TimeLimit);
        if (timeLimit is <= 0) throw new UsageException($"--time-limit must be a positive number of seconds, got {timeLimit}.");
        var limit = timeLimit is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
        string? resume = parse.GetValue(options.Resume);
        return resume is null ? Fresh(options, source, limit, device) : Resumed(options, source, resume, limit, device);
    }

    private static TrainPlan Fresh(TrainOptions o, SettingSource s, TimeSpan? limit, Device device)
    {
        var spec = ProblemSettings.Read(o.Problem, s);
        var problem = spec.Create();
        var (model, trainer) = CpuDefaults.For(problem, s.String(o.Preset));
        ulong? seed = s.ULong(o.Seed);
        model = model with
        {
            EmbeddingDim = s.Int(o.EmbDim) ?? model.EmbeddingDim,
            Blocks = s.Int(o.Blocks) ?? model.Blocks,
            Heads = s.Int(o.Heads) ?? model.Heads,
            Embedding = ModelChoices.Embeddings(s.String(o.Embeddings)),
            Attention = ModelChoices.Attention(s.String(o.Attention)),
            Seed = seed ?? model.Seed,
        };
        var folder = RunFolder.Create(s.String(o.Out) ?? Path.Combine("runs", problem.Name));
        trainer = Adjust(trainer, o, s, folder, device) with { Seed = seed ?? trainer.Seed, Diffusion = ModelChoices.Diffusion(s.String(o.Diffusion)),
            HybridWeight = s.Double(o.HybridWeight) ?? trainer.HybridWeight,
            CategoricalWeight = s.Double(o.CategoricalWeight) ?? trainer.CategoricalWeight };
        Validate(model.Validate);
        Validate(trainer.Validate);
        return new TrainPlan(spec, problem, new GsdmTrainer(problem, model, trainer), folder, new TrainingBudget(trainer.Steps, limit), null);
    }

    private static TrainPlan Resumed(TrainOptions o, SettingSource s, string resume, TimeSpan? limit, Device device)
    {
        var from = RunFolder.Open(resume, "--resume");
        foreach (var option in o.Architecture.Append(o.Seed))
            if (s.IsSet(option))
                throw new UsageException($"{option.Name} cannot change on --resume: the network and seed come from the checkpoint '{from.CheckpointPath}'.");
        var spec = ProblemSettings.AnySet(o.Problem, s) ? ProblemSettings.Read(o.Problem, s) : from.ReadProblem();
        var problem = spec.Create();
        var folder = RunFolder.Create(s.String(o.Out) ?? from.Directory);
        var trainer = GsdmTrainer.Resume(problem, from.CheckpointPath, options =>
        {
            var adjusted = Adjust(options, o, s, folder, device);
            Validate(adjusted.Validate);
            return adjusted;
        });
        return new TrainPlan(spec, problem, trainer, folder, new TrainingBudget(trainer.Options.Steps, limit), from.CheckpointPath);
    }

    private static TrainerOptions Adjust(TrainerOptions t, TrainOptions o, SettingSource s, RunFolder folder, Device device) => t with
    {
        Device = device,
        Steps = s.Int(o.Steps) ?? t.Steps,
        BatchSize = s.Int(o.Batch) ?? t.BatchSize,
        LearningRate = s.Double(o.Lr) ?? t.LearningRate,
        EmaDecay = s.Double(o.Ema) ?? t.EmaDecay,
        LogEvery = s.Int(o.LogEvery) ?? t.LogEvery,
        CheckpointEvery = s.Int(o.CheckpointEvery) ?? t.CheckpointEvery,
        CheckpointPath = folder.CheckpointPath,
    };

    private static void Validate(Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}
