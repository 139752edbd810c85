package dev.accesspass.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPassConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a container the PostgreSQL driver lives in the web application's class loader, and loading it registers it with
 * {@code DriverManager}: the store must deregister it when it closes, or Tomcat reports "registered the JDBC driver
 * but failed to unregister it" at undeploy. Reproduced here with a child-first class loader standing in for the web
 * application's: it loads its own copy of the driver and of this package, as WEB-INF/lib would.
 */
class DriverRegistrationTest {
    @RegisterExtension
    static final EmbeddedDatabase POSTGRES = new EmbeddedDatabase();

    @Test
    void closingTheStoreDeregistersTheDriverThatOpeningItRegistered() throws Exception {
        ClassLoader webapp = new WebappLikeLoader(getClass().getClassLoader());
        Class<?> database = Class.forName(Database.class.getName(), true, webapp);
        Method registered = database.getDeclaredMethod("postgresDriverRegistered");
        registered.setAccessible(true);
        Method open = database.getDeclaredMethod("open", AccessPassConfig.class);
        open.setAccessible(true);

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(webapp);
        try {
            AutoCloseable opened = (AutoCloseable) open.invoke(null, POSTGRES.config().build());
            assertThat((boolean) registered.invoke(null)).as("registered by opening the pool").isTrue();
            opened.close();
            assertThat((boolean) registered.invoke(null)).as("deregistered by closing the store").isFalse();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void aDriverOnTheJvmClassPathIsLeftAlone() throws Exception {
        // Here the driver was registered by DriverManager's own service loading, as for any plain application.
        assertThat(Database.driverIsOurs()).isFalse();
        assertThat(Database.postgresDriverRegistered()).isTrue();
        Database.open(POSTGRES.config().build()).close();
        assertThat(Database.postgresDriverRegistered()).isTrue();
    }

    /** Loads the driver, HikariCP and this package itself (child first); everything else from the parent. */
    private static final class WebappLikeLoader extends ClassLoader {
        WebappLikeLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("org.postgresql.") && !name.startsWith("com.zaxxer.hikari.")
                    && !name.startsWith("dev.accesspass.jdbi.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    String resource = name.replace('.', '/') + ".class";
                    try (InputStream in = getParent().getResourceAsStream(resource)) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
