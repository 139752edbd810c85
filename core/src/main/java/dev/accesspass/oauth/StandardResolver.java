package dev.accesspass.oauth;

import dev.accesspass.store.UserRecord;
import dev.accesspass.store.UserStore;
import java.util.Optional;

/** {@link OAuthUserResolver#standard()}. Stateless, thread-safe. */
final class StandardResolver implements OAuthUserResolver {
    static final StandardResolver INSTANCE = new StandardResolver();

    private StandardResolver() {
    }

    @Override
    public OAuthResolution resolve(OAuthProfile profile, UserStore users) {
        String email = profile.email();
        if (email == null || email.isBlank()) {
            // Every local user has an email; inventing one would be worse than asking the user to share it.
            return OAuthResolution.refuse();
        }
        Optional<UserRecord> owner = users.findByEmail(email);
        if (owner.isPresent()) {
            if (!profile.emailVerified()) {
                // An unverified address proves nothing: never link on it, and it is taken, so no new user either.
                return OAuthResolution.refuse();
            }
            return owner.get().emailConfirmed() ? OAuthResolution.link(owner.get().id())
                    : OAuthResolution.takeOver(owner.get().id());
        }
        String wish = profile.login() != null ? profile.login()
                : profile.name() != null ? profile.name()
                : email.substring(0, Math.max(0, email.indexOf('@')));
        return OAuthResolution.create(wish, email, profile.emailVerified());
    }
}
