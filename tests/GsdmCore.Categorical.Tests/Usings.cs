global using GsdmCore.Autograd;
global using GsdmCore.Backends;
global using GsdmCore.Diffusion;
global using GsdmCore.Problems;
global using Xunit;
