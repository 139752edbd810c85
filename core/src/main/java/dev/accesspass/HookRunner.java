package dev.accesspass;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the {@code after…}/{@code on…} hooks so that a failing hook is logged with its name and never breaks the
 * response: a listener's failure is the listener's, as Caffeine treats its removal listeners. Thread-safe.
 */
final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);

    private final AuthHooks hooks;

    HookRunner(AuthHooks hooks) {
        this.hooks = hooks;
    }

    AuthHooks hooks() {
        return hooks;
    }

    void run(String name, Consumer<AuthHooks> call) {
        try {
            call.accept(hooks);
        } catch (RuntimeException e) {
            LOG.error("hook {} of {} failed; the request goes on", name, hooks.getClass().getName(), e);
        }
    }
}
