package dev.accesspass.micrometer;

import dev.accesspass.event.SecurityEvent;
import dev.accesspass.metrics.AuthMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * AccessPass's {@link AuthMetrics} on a Micrometer {@link MeterRegistry}; set it with
 * {@code AccessPass.builder(config).metrics(new MicrometerAuthMetrics(registry))} (the Spring Boot starter does this
 * when the context has a registry). Meters:
 *
 * <ul>
 *   <li>{@code accesspass.logins{outcome=success|failure}} and {@code accesspass.throttled}: from the security
 *   events;</li>
 *   <li>{@code accesspass.refreshes{outcome=rotated|grace_repeat|reuse_detected|invalid}};</li>
 *   <li>{@code accesspass.token.checks{outcome=valid|invalid|store_unavailable}};</li>
 *   <li>{@code accesspass.security.events{type}}: every security event by its stable name;</li>
 *   <li>timers {@code accesspass.password.hashing{operation}} and {@code accesspass.store.calls{operation,outcome}};</li>
 *   <li>the gauge {@code accesspass.sessions}: sessions held, when the token store can count them cheaply (the
 *   in-memory store; not the JDBC store, where it would be a scan per scrape).</li>
 * </ul>
 *
 * <p>Every counter of the per-request path is registered up front, so a token check costs one counter increment and
 * no registry lookup. Thread-safe.
 */
public final class MicrometerAuthMetrics implements AuthMetrics {
    private final MeterRegistry registry;
    private final Map<TokenCheck, Counter> tokenChecks = new EnumMap<>(TokenCheck.class);
    private final Map<Refresh, Counter> refreshes = new EnumMap<>(Refresh.class);
    private final Map<SecurityEvent.Type, Counter> events = new EnumMap<>(SecurityEvent.Type.class);
    private final Counter loginSuccess;
    private final Counter loginFailure;
    private final Counter throttled;
    private final ConcurrentHashMap<String, Timer> hashing = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> storeCalls = new ConcurrentHashMap<>();
    private volatile LongSupplier sessionCount;

    public MicrometerAuthMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (TokenCheck outcome : TokenCheck.values()) {
            tokenChecks.put(outcome, Counter.builder("accesspass.token.checks").tag("outcome", name(outcome))
                    .description("Access-token checks by outcome").register(registry));
        }
        for (Refresh outcome : Refresh.values()) {
            refreshes.put(outcome, Counter.builder("accesspass.refreshes").tag("outcome", name(outcome))
                    .description("Refresh-token rotations by outcome").register(registry));
        }
        for (SecurityEvent.Type type : SecurityEvent.Type.values()) {
            events.put(type, Counter.builder("accesspass.security.events").tag("type", type.wireName())
                    .description("Security events by type").register(registry));
        }
        loginSuccess = Counter.builder("accesspass.logins").tag("outcome", "success")
                .description("Logins by outcome").register(registry);
        loginFailure = Counter.builder("accesspass.logins").tag("outcome", "failure")
                .description("Logins by outcome").register(registry);
        throttled = Counter.builder("accesspass.throttled")
                .description("Logins refused by the throttle").register(registry);
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void tokenChecked(TokenCheck outcome) {
        tokenChecks.get(outcome).increment();
    }

    @Override
    public void refreshed(Refresh outcome) {
        refreshes.get(outcome).increment();
    }

    @Override
    public void securityEvent(SecurityEvent event) {
        events.get(event.type()).increment();
        switch (event.type()) {
            case LOGIN_SUCCEEDED -> loginSuccess.increment();
            case LOGIN_FAILED -> loginFailure.increment();
            case LOGIN_THROTTLED -> throttled.increment();
            default -> {
                // counted by type above only
            }
        }
    }

    @Override
    public void passwordHashed(String operation, long nanos) {
        hashing.computeIfAbsent(operation, op -> Timer.builder("accesspass.password.hashing").tag("operation", op)
                .description("Password hashing time in the hashing pool").register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void storeCalled(String operation, long nanos, boolean failed) {
        String key = failed ? operation + "/failed" : operation;
        storeCalls.computeIfAbsent(key, k -> Timer.builder("accesspass.store.calls").tag("operation", operation)
                .tag("outcome", failed ? "failed" : "ok")
                .description("Store calls outside the per-request token check").register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void sessionCount(LongSupplier sessions) {
        // Kept in a field: a Micrometer gauge holds only a weak reference to the object it samples.
        sessionCount = Objects.requireNonNull(sessions, "sessions");
        Gauge.builder("accesspass.sessions", sessionCount, LongSupplier::getAsLong)
                .description("Sessions held by the token store, live or awaiting the next purge").register(registry);
    }
}
