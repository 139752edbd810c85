package dev.accesspass.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** The heap measurement the heap-footprint programs share. */
final class HeapUse {
    private HeapUse() {
    }

    /**
     * Bytes of heap in use after full collections: the least of five rounds, since a single {@code System.gc()} may
     * leave finalizable or soft garbage behind.
     */
    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
