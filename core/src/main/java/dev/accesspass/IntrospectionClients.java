package dev.accesspass;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The clients of {@code introspection-clients}: {@code id:secret} pairs, comma-separated. Only SHA-256 digests of
 * ids and secrets are kept, and a presented pair is compared with every client's digests with
 * {@link MessageDigest#isEqual} (constant time for equal lengths, and digests always are), with no early exit, so the
 * time of a check says neither which id exists nor how much of a secret was right. Immutable.
 */
final class IntrospectionClients {
    static final IntrospectionClients NONE = new IntrospectionClients(List.of());
    /** Shorter secrets are refused at start: the secret is the gateway's whole credential. */
    static final int MIN_SECRET_LENGTH = 16;
    private static final int MAX_LENGTH = 256;

    private record Client(String id, byte[] idDigest, byte[] secretDigest) {
    }

    private final List<Client> clients;

    private IntrospectionClients(List<Client> clients) {
        this.clients = List.copyOf(clients);
    }

    /**
     * Parses the setting. Messages name the entry by position, never its text (it holds a secret).
     *
     * @throws IllegalArgumentException starting with {@code introspection-clients:}
     */
    static IntrospectionClients parse(String value) {
        List<Client> clients = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] entries = value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty() && entries.length == 1) {
                break; // an empty value: no client, the route stays off
            }
            int colon = entry.indexOf(':');
            String where = "introspection-clients: entry " + (i + 1);
            if (colon <= 0) {
                throw new IllegalArgumentException(where + " is not id:secret");
            }
            String id = entry.substring(0, colon);
            String secret = entry.substring(colon + 1);
            if (id.length() > MAX_LENGTH || !visibleAscii(id)) {
                throw new IllegalArgumentException(where + ": the id must be at most " + MAX_LENGTH
                        + " visible ASCII characters");
            }
            if (secret.length() < MIN_SECRET_LENGTH || secret.length() > MAX_LENGTH || !visibleAscii(secret)) {
                throw new IllegalArgumentException(where + ": the secret must be " + MIN_SECRET_LENGTH + " to "
                        + MAX_LENGTH + " visible ASCII characters");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + ": the id is given twice");
            }
            clients.add(new Client(id, sha256(id), sha256(secret)));
        }
        return clients.isEmpty() ? NONE : new IntrospectionClients(clients);
    }

    boolean isEmpty() {
        return clients.isEmpty();
    }

    /** The id of the client these credentials belong to; empty for any mismatch or a missing part. */
    Optional<String> authenticate(String id, String secret) {
        if (id == null || secret == null) {
            return Optional.empty();
        }
        byte[] idDigest = sha256(id);
        byte[] secretDigest = sha256(secret);
        Client matched = null;
        for (Client client : clients) {
            // Both comparisons run for every client: no branch depends on a partial match.
            boolean idMatches = MessageDigest.isEqual(idDigest, client.idDigest());
            boolean secretMatches = MessageDigest.isEqual(secretDigest, client.secretDigest());
            if (idMatches & secretMatches) {
                matched = client;
            }
        }
        return Optional.ofNullable(matched).map(Client::id);
    }

    private static boolean visibleAscii(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "IntrospectionClients[" + clients.size() + "]";
    }
}
