package dev.accesspass.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accesspass.AccessPassConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IDE completion covers every key core accepts, each with a description (and its default where it has one). */
class ConfigurationMetadataTest {

    @Test
    void everyKeyHasMetadataWithADescription() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream(
                "/META-INF/additional-spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode property : metadata.get("properties")) {
            names.add(property.get("name").asText());
            assertThat(property.get("description").asText()).as(property.toString()).isNotBlank();
        }
        for (String key : AccessPassConfig.keys()) {
            assertThat(names).as("metadata for accesspass.%s", key).contains("accesspass." + key);
        }
        assertThat(names).contains("accesspass.oauth");
        assertThat(AccessPassConfig.defaults().accessTokenTtl().toSeconds()).isEqualTo(
                findDefault(metadata, "accesspass.access-token-ttl").asLong());
    }

    private static JsonNode findDefault(JsonNode metadata, String name) {
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asText().equals(name)) {
                return property.get("defaultValue");
            }
        }
        throw new AssertionError(name);
    }
}
