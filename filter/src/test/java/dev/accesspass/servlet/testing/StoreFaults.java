package dev.accesspass.servlet.testing;

import dev.accesspass.StoreUnavailableException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Call counting and fault injection shared by {@link InstrumentedTokenStore} and {@link InstrumentedUserStore}.
 * Methods are named as in the store interfaces ({@code "findByAccessToken"}). Thread-safe.
 */
public final class StoreFaults {
    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> failNext = new ConcurrentHashMap<>();
    private volatile boolean failEverything;

    /** How often {@code method} was called since the last {@link #resetCounts()}. */
    public int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /** Calls of every method since the last reset. */
    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** A snapshot, for failure messages. */
    public Map<String, Integer> counts() {
        Map<String, Integer> snapshot = new TreeMap<>();
        calls.forEach((method, count) -> snapshot.put(method, count.get()));
        return snapshot;
    }

    public void resetCounts() {
        calls.clear();
    }

    /** Every method throws {@link StoreUnavailableException} until {@link #heal()}. */
    public void failEverything() {
        failEverything = true;
    }

    /** These methods throw until {@link #heal()}. */
    public void fail(String... methods) {
        failing.addAll(Set.of(methods));
    }

    /** The next {@code times} calls of {@code method} throw, then it works again. */
    public void failNext(String method, int times) {
        failNext.put(method, new AtomicInteger(times));
    }

    public void heal() {
        failEverything = false;
        failing.clear();
        failNext.clear();
    }

    <T> T call(String method, Supplier<T> body) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        AtomicInteger remaining = failNext.get(method);
        boolean failOnce = remaining != null && remaining.getAndDecrement() > 0;
        if (failEverything || failing.contains(method) || failOnce) {
            throw new StoreUnavailableException("down", null);
        }
        return body.get();
    }

    void run(String method, Runnable body) {
        call(method, () -> {
            body.run();
            return null;
        });
    }
}
