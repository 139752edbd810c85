package dev.accesspass.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's TOTP credential as the store keeps it.
 *
 * @param secret           the secret as core stored it (sealed or not; opaque to the store)
 * @param enabled          false while the setup is pending (not yet confirmed with a code)
 * @param pendingExpiresAt when a pending setup lapses; null once enabled
 * @param lastUsedStep     the newest TOTP step whose code was accepted, or -1: a code of this step or an older one is
 *                         never accepted again
 * @param recoveryCodes    how many unused recovery codes the user has
 */
public record SecondFactor(String secret, boolean enabled, Instant pendingExpiresAt, long lastUsedStep,
                           int recoveryCodes) {
    public SecondFactor {
        Objects.requireNonNull(secret, "secret");
    }

    /** Whether this is a pending setup that lapsed at {@code now}. */
    public boolean lapsed(Instant now) {
        return !enabled && !pendingExpiresAt.isAfter(now);
    }

    @Override
    public String toString() {
        return "SecondFactor[enabled=" + enabled + ", lastUsedStep=" + lastUsedStep + ", recoveryCodes="
                + recoveryCodes + "]";
    }
}
