package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code webauthn-rp-id}, {@code webauthn-rp-name} and {@code webauthn-origins}: defaults from base-url, checks. */
class PasskeyConfigTest {
    @Test
    void everythingDefaultsFromTheBaseUrl() {
        AccessPassConfig config = AccessPassConfig.builder().set("base-url", "http://localhost:8080").build();
        assertThat(config.webauthnRpId()).contains("localhost");
        assertThat(config.webauthnOrigins()).containsExactly("http://localhost:8080");
        assertThat(config.webauthnRpName()).isEqualTo("localhost");
        AccessPassConfig https = AccessPassConfig.builder().set("base-url", "https://App.Example/app")
                .set("mfa-issuer", "Example Co").build();
        assertThat(https.webauthnOrigins()).containsExactly("https://app.example");
        assertThat(AccessPassConfig.builder().set("webauthn-origins", "https://A.example/").build().webauthnOrigins())
                .containsExactly("https://a.example");
        assertThat(https.webauthnRpName()).isEqualTo("Example Co");
    }

    @Test
    void withoutBaseUrlOrRpIdPasskeysAreOff() {
        AccessPassConfig config = AccessPassConfig.builder().build();
        assertThat(config.webauthnRpId()).isEmpty();
        assertThat(config.webauthnOrigins()).isEmpty();
        assertThat(Passkeys.configured(config)).isFalse();
        assertThat(Passkeys.configured(AccessPassConfig.builder().set("webauthn-rp-id", "example.com").build()))
                .as("an RP id without any origin").isFalse();
    }

    @Test
    void explicitValuesWin() {
        AccessPassConfig config = AccessPassConfig.builder().set("base-url", "https://login.example.com")
                .set("webauthn-rp-id", "example.com").set("webauthn-rp-name", "Example")
                .set("webauthn-origins", "https://login.example.com, https://app.example.com:8443").build();
        assertThat(config.webauthnRpId()).contains("example.com");
        assertThat(config.webauthnRpName()).isEqualTo("Example");
        assertThat(config.webauthnOrigins())
                .isEqualTo(List.of("https://login.example.com", "https://app.example.com:8443"));
        assertThat(Passkeys.configured(config)).isTrue();
    }

    @Test
    void badValuesFailNamingTheKey() {
        for (String id : new String[] {"", "Example.com", "https://example.com", "exa mple.com", "-x.com"}) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("webauthn-rp-id", id).build())
                    .as(id).hasMessageStartingWith("webauthn-rp-id:");
        }
        for (String name : new String[] {" ", "x".repeat(65), "a\tb"}) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("webauthn-rp-name", name).build())
                    .hasMessageStartingWith("webauthn-rp-name:");
        }
        for (String origins : new String[] {"", "https://a.example/path", "ftp://a.example", "http://a.example",
                "https://a.example?x=1"}) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("webauthn-origins", origins).build())
                    .as(origins).hasMessageStartingWith("webauthn-origins:");
        }
    }
}
