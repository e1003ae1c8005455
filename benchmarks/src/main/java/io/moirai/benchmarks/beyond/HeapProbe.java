package io.moirai.benchmarks.beyond;

import static io.moirai.benchmarks.beyond.BeyondJmh.*;

import io.netty.util.HashedWheelTimer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/** Heap readings after collection, for the memory figures. Called from the measuring thread only. */
final class HeapProbe {

    private HeapProbe() {}

    static double measure(Pending row, int n) throws Exception {
        row.open();
        try {
            row.prepare(n);
            long before = usedAfterGc();
            row.populate(n);
            row.settle(n);
            long after = usedAfterGc();
            return (after - before) / (double) n;
        } finally {
            row.close();
        }
    }

    /**
     * The live heap: the heap used ({@link MemoryMXBean}) after two full collections, less what its
     * young generation holds when it is read. A full collection leaves the young generation empty,
     * so what is there was allocated after it: mostly the thread-local allocation buffers that the
     * reading thread and the peer's threads are handed right after the collection, which the total
     * counts whole (up to a few MiB each: at 20,000 items that moved a round by 100 bytes per item).
     * The old and survivor pools only grow by promotion or by a humongous allocation, so their sum
     * is the live data. Objects with a finalizer (Netty's {@code HashedWheelTimer} has one) keep what
     * they reference alive until the finalizer thread has run them, so finalization is run and the
     * collection repeated until the figure stops moving (a timer stopped in the previous row was
     * otherwise freed in the middle of the next row's measurement).
     *
     * @return the live heap in bytes
     */
    static long usedAfterGc() {
        long live = liveAfterGc();
        for (int i = 0; i < 5; i++) {
            System.runFinalization();
            long again = liveAfterGc();
            if (again == live) {
                break;
            }
            live = again;
        }
        return live;
    }

    static long liveAfterGc() {
        System.gc();
        System.gc();
        long young = 0;
        for (MemoryPoolMXBean pool : YOUNG) {
            young += pool.getUsage().getUsed();
        }
        long total = MEMORY.getHeapMemoryUsage().getUsed();
        long old = 0;
        for (MemoryPoolMXBean pool : NOT_YOUNG) {
            old += pool.getUsage().getUsed();
        }
        return NOT_YOUNG.isEmpty() ? total - young : old;
    }

    /** The eden pool(s) of the running collector (G1, Parallel, Serial name theirs "... Eden Space"). */
    static final List<MemoryPoolMXBean> YOUNG = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.getName().contains("Eden")).toList();

    /** Every other heap pool: old generation and survivors. */
    static final List<MemoryPoolMXBean> NOT_YOUNG = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && !p.getName().contains("Eden")).toList();

}
