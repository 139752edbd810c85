package dev.accesspass.jdbi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Flat string maps (session meta, OAuth profiles) to and from the text of a jsonb column. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> FLAT = new TypeReference<>() { };

    private Json() {
    }

    static String write(Map<String, String> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    static Map<String, String> read(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, FLAT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database holds a JSON object of strings here", e);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
