namespace UserSystem.Server.Rpc.Binding;

/// <summary>Endpoint metadata that marks a gRPC method bound by <see cref="StrictParsingServiceMethodProvider{TService}"/>.</summary>
public sealed class StrictParsingMetadata
{
    public static readonly StrictParsingMetadata Instance = new();

    private StrictParsingMetadata()
    {
    }
}

public static class StrictParsingEndpoints
{
    /// <summary>The route order of the strictly parsing endpoints: before grpc-dotnet's own (order 0) for the same methods.</summary>
    public const int Order = -1;

    /// <summary>
    /// Routes each gRPC method to its strictly parsing endpoint: grpc-dotnet's provider maps the same
    /// route too, and routing takes the endpoint of the lowest order.
    /// </summary>
    public static TBuilder PreferStrictParsing<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder route && route.Metadata.Contains(StrictParsingMetadata.Instance))
            {
                route.Order = Order;
            }
        });
        return builder;
    }
}
