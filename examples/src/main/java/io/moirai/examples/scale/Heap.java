package io.moirai.examples.scale;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;

/**
 * The heap of this JVM as the scale-out example reports it: what is in use now (garbage not yet
 * collected included), the peak since the JVM started (the sum of each heap pool's peak, so an upper
 * bound of the real peak) and the maximum ({@code -Xmx}). Any thread.
 */
public final class Heap {

    private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .toList();

    private Heap() {}

    /** @return bytes of heap in use now */
    public static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** @return the bytes of heap in use at the peak, at most (the sum of the heap pools' peaks) */
    public static long peak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : HEAP_POOLS) {
            sum += pool.getPeakUsage().getUsed();
        }
        return Math.max(sum, used());
    }

    /** @return the most heap the JVM may use, in bytes ({@code -Xmx}) */
    public static long max() {
        return Runtime.getRuntime().maxMemory();
    }

    /** @return {@code bytes} in MiB, e.g. {@code "41 MiB"} */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", Math.round(bytes / (1024.0 * 1024.0)));
    }
}
