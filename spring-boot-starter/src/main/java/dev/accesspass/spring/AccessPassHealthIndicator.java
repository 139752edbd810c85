package dev.accesspass.spring;

import dev.accesspass.AccessPass;
import dev.accesspass.StoreUnavailableException;
import dev.accesspass.store.TokenHash;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The {@code accessPass} component of {@code /actuator/health}: UP when both stores answer a read (the in-memory
 * stores always do), DOWN when one is unreachable; with the store kind and the mail queue depth as details.
 */
final class AccessPassHealthIndicator extends AbstractHealthIndicator {
    /** A digest no token has (a token is random; this is the hash of a fixed string that is not one of our shape). */
    private static final TokenHash PROBE = TokenHash.of("accesspass-health-probe");

    private final AccessPass accessPass;

    AccessPassHealthIndicator(AccessPass accessPass) {
        super("AccessPass health check failed");
        this.accessPass = accessPass;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("store", accessPass.config().store())
                .withDetail("pendingMails", accessPass.pendingMails());
        try {
            // Two plain reads through the store circuit: the same path a token check takes.
            accessPass.tokenStore().findByAccessToken(PROBE, Instant.now());
            accessPass.userStore().findByUsername("accesspass-health-probe");
            builder.up();
        } catch (StoreUnavailableException e) {
            builder.down().withDetail("error", "store unavailable");
        }
    }
}
