package dev.accesspass;

import dev.accesspass.store.Identity;
import dev.accesspass.store.UserRecord;
import java.util.function.Predicate;

/**
 * The one place that decides whether a user keeps a way to log in after something is removed: a password, or a
 * linked identity that is not being removed (and, once passkeys exist, a passkey). Every removal route asks it,
 * through the store's atomic removal, so the answer holds at the moment of the removal. Stateless.
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

    /** {@link #remainWithout} for removing the identity of one provider. */
    static Predicate<UserRecord> withoutProvider(String provider) {
        return user -> remainWithout(user, identity -> identity.provider().equals(provider));
    }
}
