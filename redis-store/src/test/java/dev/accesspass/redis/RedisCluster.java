package dev.accesspass.redis;

import dev.accesspass.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A 3-master Redis Cluster for one test class: three {@code redis-server --cluster-enabled yes} on free loopback
 * ports, joined with {@code redis-cli --cluster create … --cluster-replicas 0}, ready once every node reports
 * {@code cluster_state:ok}.
 */
final class RedisCluster implements BeforeAllCallback, AfterAllCallback {
    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Path directory;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("accesspass-redis-cluster");
        for (int i = 0; i < 3; i++) {
            int port = RedisServer.freePort();
            Path dir = Files.createDirectories(directory.resolve("node" + i));
            ports.add(port);
            nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--cluster-enabled", "yes",
                    "--cluster-config-file", dir.resolve("nodes.conf").toString(), "--protected-mode", "no")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start());
        }
        for (int port : ports) {
            Await.until(Duration.ofSeconds(20), "cluster node " + port + " answers",
                    () -> cli(port, "PING").contains("PONG"));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int port : ports) {
            create.add("127.0.0.1:" + port);
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        String output = run(create);
        if (!output.contains("[OK]")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
        for (int port : ports) {
            Await.until(Duration.ofSeconds(30), "cluster_state:ok on " + port,
                    () -> cli(port, "CLUSTER", "INFO").contains("cluster_state:ok"));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(20, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** The three nodes' URIs, comma-separated, as {@code redis-url} takes them. */
    String url() {
        List<String> uris = new ArrayList<>();
        for (int port : ports) {
            uris.add("redis://127.0.0.1:" + port);
        }
        return String.join(",", uris);
    }

    /** Empties every master. */
    void flush() {
        for (int port : ports) {
            cli(port, "FLUSHALL");
        }
    }

    private static String cli(int port, String... command) {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        line.addAll(List.of(command));
        return run(line);
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
