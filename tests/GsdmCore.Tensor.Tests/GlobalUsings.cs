global using GsdmCore.Backends;
global using GsdmCore.TestSupport;
global using Xunit;
