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
        String email = profile.email() == null || profile.email().isBlank() ? null : profile.email();
        String wish = profile.login() != null ? profile.login()
                : profile.name() != null ? profile.name()
                : email != null ? email.substring(0, Math.max(0, email.indexOf('@')))
                : null;
        if (email == null || !profile.emailVerified()) {
            // An unverified address proves nothing: it never links, and it never reserves the address either
            // (the real owner may register it later), so the new user has no email (API.md §7, SR-76).
            return OAuthResolution.create(wish, null, false);
        }
        Optional<UserRecord> owner = users.findByEmail(email);
        if (owner.isPresent()) {
            // A confirmed account is linked (AccessPass answers account_exists instead when it has a password); an
            // unconfirmed one is taken over, so a squatter's password dies (SR-49).
            return owner.get().emailConfirmed() ? OAuthResolution.link(owner.get().id())
                    : OAuthResolution.takeOver(owner.get().id());
        }
        return OAuthResolution.create(wish, email, true);
    }
}
