global using GsdmCore.Autograd;
global using GsdmCore.Backends;
global using Xunit;
