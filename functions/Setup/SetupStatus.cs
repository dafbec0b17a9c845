namespace CloudWg.Functions.Setup;

/// <param name="SetupRequired">No admin exists yet: the first owner must be created with the setup token.</param>
public sealed record SetupStatus(bool SetupRequired);
