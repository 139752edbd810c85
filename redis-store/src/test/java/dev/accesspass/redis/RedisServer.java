package dev.accesspass.redis;

import dev.accesspass.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * One real {@code redis-server} per test class on a free loopback port, without persistence unless asked, in its
 * own temporary directory. Register as a static {@code @RegisterExtension} field of a class marked
 * {@code @RequiredTool({"redis-server", "redis-cli"}, …)}. It can be stopped and started again on the same port
 * (with AOF on, its data survive the restart).
 */
final class RedisServer implements BeforeAllCallback, AfterAllCallback {
    static final String INSTALL = "apt-get install redis-server redis-tools";

    private final List<String> extraArguments = new ArrayList<>();
    private String password;
    private Path directory;
    private int port;
    private Process process;

    /** Starts with {@code --requirepass}. */
    RedisServer password(String password) {
        this.password = password;
        extraArguments.add("--requirepass");
        extraArguments.add(password);
        return this;
    }

    /** Appends every write to an AOF file synced every write, so a restart keeps the data. */
    RedisServer appendOnly() {
        extraArguments.add("--appendfsync");
        extraArguments.add("always");
        return this;
    }

    private boolean aof() {
        return extraArguments.contains("--appendfsync");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("accesspass-redis");
        port = freePort();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts (or restarts) the server on the same port and directory, and waits until it answers. */
    void start() {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", aof() ? "yes" : "no",
                "--dir", directory.toString(), "--protected-mode", "no"));
        command.addAll(extraArguments);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until(Duration.ofSeconds(20), "redis-server answers on port " + port, this::answers);
    }

    /** Stops the server (SIGTERM: with AOF on, the file is complete) and waits until it has exited. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    int port() {
        return port;
    }

    String url() {
        return password == null ? "redis://127.0.0.1:" + port : "redis://:" + password + "@127.0.0.1:" + port;
    }

    /** Empties the server between tests. */
    void flush() {
        send("FLUSHALL");
    }

    private boolean answers() {
        try {
            return send("PING").startsWith("+PONG");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** One inline command on a fresh socket; the first reply line. */
    private String send(String command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            String prefix = password == null ? "" : "AUTH " + password + "\r\n";
            out.write((prefix + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            var in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int lines = password == null ? 1 : 2;
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n' && --lines == 0) {
                    break;
                }
                if (c == '\n') {
                    line.setLength(0);
                } else if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
