global using GsdmCore.Autograd;
