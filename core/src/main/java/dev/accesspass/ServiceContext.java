package dev.accesspass;

import dev.accesspass.store.TokenStore;
import dev.accesspass.store.UserStore;
import java.time.Clock;
import java.util.Objects;

/**
 * What every core service shares, built once by {@link Assembly}: the configuration, the clock of every expiry
 * decision, the stores, the hooks and the security log, and the registration and password rules derived from the
 * configuration. A service takes this one context plus the few collaborators that are its own, so a new service
 * (and a new shared thing) changes one constructor, not five. Immutable.
 */
record ServiceContext(AccessPassConfig config, Clock clock, TokenStore tokens, UserStore users, HookRunner hooks,
                      SecurityLog security, Rules rules, KnownDevices devices) {
    ServiceContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(devices, "devices");
    }
}
