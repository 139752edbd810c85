package dev.accesspass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a team sees when it misconfigures: enumerations in any case, a suggestion for a misspelt key. */
class ConfigurationMessagesTest {

    @Test
    void enumeratedValuesAreAcceptedInAnyCase() {
        AccessPassConfig config = AccessPassConfig.builder()
                .set("store", "JDBC").set("jdbc-url", "jdbc:postgresql://localhost/app")
                .set("mailer", "Log").build();
        assertThat(config.store()).isEqualTo("jdbc");
        assertThat(config.mailer()).isEqualTo("log");
        assertThat(config.describe()).contains("store=jdbc").contains("mailer=log");
    }

    @Test
    void anUnknownEnumeratedValueStillFailsNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("store", "redis"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("store: \"redis\" is not one of [jdbc, memory]");
    }

    @Test
    void aMisspeltKeySuggestsTheNearestKnownOne() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("access-token-tll", "600"))
                .hasMessage("access-token-tll: not a known AccessPass setting (did you mean access-token-ttl?)");
        assertThatThrownBy(() -> AccessPassConfig.builder().set("Refresh-Grace", "5"))
                .hasMessage("Refresh-Grace: not a known AccessPass setting (did you mean refresh-grace?)");
        assertThatThrownBy(() -> AccessPassConfig.builder().set("jdbc-passwd", "x"))
                .hasMessage("jdbc-passwd: not a known AccessPass setting (did you mean jdbc-password?)");
    }

    @Test
    void aKeyFarFromEveryKnownOneGetsNoSuggestion() {
        assertThatThrownBy(() -> AccessPassConfig.builder().set("colour", "blue"))
                .hasMessage("colour: not a known AccessPass setting");
    }

    @Test
    void aMisspeltEnvironmentVariableSuggestsTheKnownName() {
        assertThatThrownBy(() -> AccessPassConfig.fromSources(Map.of(), Map.of(),
                Map.of("ACCESSPASS_ACESS_TOKEN_TTL", "600")))
                .hasMessage("ACCESSPASS_ACESS_TOKEN_TTL: not a known AccessPass setting"
                        + " (did you mean ACCESSPASS_ACCESS_TOKEN_TTL?)");
    }

    @Test
    void theStartUpDescriptionSaysThatUnlistedKeysAreAtTheirDefaults() {
        assertThat(AccessPassConfig.defaults().describe()).isEqualTo("every key at its default");
        assertThat(AccessPassConfig.builder().set("access-token-ttl", "600").set("smtp-password", "hunter2").build()
                .describe())
                .isEqualTo("access-token-ttl=600, smtp-password=****; every other key at its default");
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(NearestKey.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(NearestKey.distance("", "abc")).isEqualTo(3);
        assertThat(NearestKey.distance("prefix", "prefix")).isZero();
    }
}
