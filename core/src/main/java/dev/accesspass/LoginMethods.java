package dev.accesspass;

import dev.accesspass.store.Identity;
import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.util.function.Predicate;

/**
 * The one place that decides whether a user keeps a way to log in after something is removed: a password, a linked
 * identity that is not being removed, or a passkey that is not being removed. Every removal route asks it, through
 * the store's atomic removal, so the answer holds at the moment of the removal. Stateless.
 */
final class LoginMethods {
    private LoginMethods() {
    }

    /** Whether {@code user} can still log in once every identity matching {@code removed} is gone. */
    static boolean remainWithout(UserRecord user, Predicate<Identity> removed) {
        if (user.passwordHash() != null) {
            return true;
        }
        return user.identities().stream().anyMatch(removed.negate());
    }

    /**
     * {@link #remainWithout} for removing the identity of one provider; a passkey is a way in too. The passkeys are
     * read inside the store's atomic removal, and a passkey removal takes the same per-user serialization, so two
     * racing removals cannot together take the last way in.
     */
    static Predicate<UserRecord> withoutProvider(String provider, UserStore users) {
        return user -> remainWithout(user, identity -> identity.provider().equals(provider))
                || !users.listPasskeys(user.id()).isEmpty();
    }

    /** Whether {@code user} can still log in once its last passkey is gone: a password or any identity. */
    static boolean remainWithoutPasskeys(UserRecord user) {
        return user.passwordHash() != null || !user.identities().isEmpty();
    }
}
