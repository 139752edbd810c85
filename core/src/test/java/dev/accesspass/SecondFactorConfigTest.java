package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@code mfa-issuer} and {@code secret-encryption-key}: defaults, checks, and the key never echoed or logged. */
class SecondFactorConfigTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void theIssuerDefaultsToTheBaseUrlHostElseAccessPass() {
        assertThat(AccessPassConfig.builder().build().mfaIssuer()).isEqualTo("AccessPass");
        assertThat(AccessPassConfig.builder().set("base-url", "https://app.example").build().mfaIssuer())
                .isEqualTo("app.example");
        assertThat(AccessPassConfig.builder().set("mfa-issuer", "Example Co").set("base-url", "https://app.example")
                .build().mfaIssuer()).isEqualTo("Example Co");
    }

    @Test
    void aBadIssuerOrKeyFailsNamingTheKeyButNeverTheKeysValue() {
        for (String issuer : new String[] {"a:b", " ", "x".repeat(65), "tab\there"}) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("mfa-issuer", issuer).build())
                    .hasMessageStartingWith("mfa-issuer:");
        }
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        for (String key : new String[] {shortKey, "not base64!"}) {
            assertThatThrownBy(() -> AccessPassConfig.builder().set("secret-encryption-key", key).build())
                    .hasMessageStartingWith("secret-encryption-key:").message().doesNotContain(key);
        }
    }

    @Test
    void theKeyIsReadAndMaskedInTheStartLine() {
        AccessPassConfig config = AccessPassConfig.builder().set("secret-encryption-key", KEY).build();
        assertThat(config.secretEncryptionKey()).hasValueSatisfying(key -> assertThat(key).hasSize(32));
        assertThat(config.describe()).contains("secret-encryption-key=****").doesNotContain(KEY);
    }
}
