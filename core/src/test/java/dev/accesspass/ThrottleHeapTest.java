package dev.accesspass;

import static dev.accesspass.SpecRig.code;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SR-30: thousands of distinct failed login names, each as long as a name may be, leave counters of a fixed size.
 * The review's attack (12 KB names that NFKC grows eighteenfold, kept whole as keys) retained about 147 KB per name.
 */
class ThrottleHeapTest {
    private static final int NAMES = 5000;
    private SpecRig rig;

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void sr30_theHeapStaysFlatOverThousandsOfDistinctFailedNames() {
        rig = SpecRig.start(config -> config.loginAddressMaxAttempts(100_000));
        warmUp();
        rig.hooks.events.clear();
        long before = usedAfterGc();
        for (int i = 0; i < NAMES; i++) {
            // 13 U+FDFA are 234 characters after NFKC, near the bound, then a distinct tail.
            String name = "\uFDFA".repeat(13) + Integer.toString(i, 36);
            assertThat(code(() -> rig.accessPass.login(name, "wrong password", "198.51.100.1")))
                    .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
        }
        rig.hooks.events.clear(); // the test's own record of every event, not the library's
        long perName = (usedAfterGc() - before) / NAMES;
        System.out.printf(Locale.ROOT, "throttle: %d distinct failed names retain about %d bytes each%n", NAMES, perName);
        assertThat(perName).as("bytes retained per failed name").isLessThan(300);
    }

    private void warmUp() {
        for (int i = 0; i < 200; i++) {
            String name = "warm" + i;
            code(() -> rig.accessPass.login(name, "wrong password", "198.51.100.2"));
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
