namespace Pitlane.Imaging;

/// <summary>
/// Shape clean-up of the model's map before edge refinement, for vehicles: a car is one solid object, so
/// (1) background regions enclosed by the car (windows the model reads as see-through, the gap inside a wheel) are
/// filled, and (2) foreground specks much smaller than the largest object are dropped. Both are 4-connected flood
/// fills on the map thresholded at 0.5, at the model's side (1024²), so the cost is fixed.
/// </summary>
public static class MaskCleanup
{
    public static void Apply(float[] map, int side, double minShareOfLargest = 0.02)
    {
        var n = side * side;
        var label = new int[n]; // 0 = unvisited
        var stack = new Stack<int>();

        // (1) Background reachable from the border stays background; any other background is a hole.
        for (var i = 0; i < n; i++)
        {
            var x = i % side;
            var y = i / side;
            if ((x == 0 || y == 0 || x == side - 1 || y == side - 1) && map[i] < 0.5f && label[i] == 0)
            {
                Flood(map, side, label, stack, i, -1, fg: false);
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (map[i] < 0.5f && label[i] == 0)
            {
                map[i] = 1f;
            }
        }

        // (2) Foreground components; keep those at least minShareOfLargest of the largest.
        var sizes = new List<int> { 0 };
        for (var i = 0; i < n; i++)
        {
            if (map[i] >= 0.5f && label[i] == 0)
            {
                sizes.Add(Flood(map, side, label, stack, i, sizes.Count, fg: true));
            }
        }

        if (sizes.Count <= 2)
        {
            return;
        }

        var keep = sizes.Max() * minShareOfLargest;
        for (var i = 0; i < n; i++)
        {
            if (label[i] > 0 && sizes[label[i]] < keep)
            {
                map[i] = 0f;
            }
        }
    }

    private static int Flood(float[] map, int side, int[] label, Stack<int> stack, int start, int id, bool fg)
    {
        var count = 0;
        label[start] = id;
        stack.Push(start);
        while (stack.Count > 0)
        {
            var i = stack.Pop();
            count++;
            var x = i % side;
            var y = i / side;
            if (x > 0) { Visit(i - 1); }
            if (x < side - 1) { Visit(i + 1); }
            if (y > 0) { Visit(i - side); }
            if (y < side - 1) { Visit(i + side); }
        }

        return count;

        void Visit(int j)
        {
            if (label[j] == 0 && (map[j] >= 0.5f) == fg)
            {
                label[j] = id;
                stack.Push(j);
            }
        }
    }
}
