namespace FuncNet.Testing;

/// <summary>Two shapes that broadcast together (numpy's rules), as <see cref="ShapeGen.BroadcastPairs"/> generates them.</summary>
/// <param name="Left">The first operand's shape.</param>
/// <param name="Right">The second operand's shape.</param>
public sealed record BroadcastPair(Shape Left, Shape Right)
{
    /// <summary>The shape both broadcast to.</summary>
    public Shape Result => Shape.Broadcast(Left, Right, "BroadcastPair");
}
