package dev.accesspass.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounds of what a session keeps from a client, and the compact IPv4 form of the memory store. */
class SessionMetadataTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.789Z");

    @Test
    void userAgentLosesControlCharactersAndIsCutTo256() {
        SessionMetadata metadata = SessionMetadata.of("203.0.113.1", "Mozilla\u0000/5.0\r\n\u0085\u007f (X11)"
                + "y".repeat(400), "password", List.of("pwd"), T0, 1);

        assertThat(metadata.userAgent()).startsWith("Mozilla/5.0 (X11)yyy").hasSize(256)
                .doesNotContainPattern("\\p{Cntrl}");
        assertThat(metadata.authTime()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void unpairedSurrogatesGoAndACutNeverSplitsAPair() {
        assertThat(SessionMetadata.of(null, "a\ud800b\udc00c", "api", null, T0, 1).userAgent()).isEqualTo("abc");
        String agent = "x".repeat(255) + "\ud83d\ude00";
        assertThat(SessionMetadata.of(null, agent, "api", null, T0, 1).userAgent()).isEqualTo("x".repeat(255));
        assertThat(SessionMetadata.of(null, "\u0001\u0002", "api", null, T0, 1).userAgent()).isNull();
        assertThat(SessionMetadata.of("x".repeat(100), null, "api", null, T0, 1).address()).hasSize(64);
    }

    @Test
    void onlyCanonicalIpv4LiteralsAreKeptAsAnInt() {
        assertThat(Interner.ipv4Text(Interner.ipv4("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(Interner.ipv4Text(Interner.ipv4("0.0.0.0"))).isEqualTo("0.0.0.0");
        assertThat(Interner.ipv4Text(Interner.ipv4("10.255.0.1"))).isEqualTo("10.255.0.1");
        for (String other : List.of("010.0.0.1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "::1",
                "2001:db8::1", "a.b.c.d", "1..2.3", "1.2.3.", ".1.2.3", "1234.1.1.1")) {
            assertThat(Interner.ipv4(other)).as(other).isEqualTo(-1);
        }
    }

    @Test
    void theInternerSharesEqualValuesUpToItsBound() {
        Interner interner = new Interner(2);
        String first = interner.intern(new String("Firefox"));
        assertThat(interner.intern(new String("Firefox"))).isSameAs(first);
        interner.intern("Chrome");
        String third = new String("Safari");
        assertThat(interner.intern(third)).isSameAs(third);
        assertThat(interner.intern(new String("Safari"))).isNotSameAs(third);
    }
}
