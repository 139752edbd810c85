package dev.accesspass.jdbi;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} in front of a real one that counts, at the JDBC boundary, what reaches the database from the
 * calling thread: every connection handed out, every statement executed (with its SQL) and every commit or rollback.
 * Each of those is at least one round trip to the server; nothing else the stores do can be. Work that other threads
 * do meanwhile (the mail queue, hooks) is not counted. Thread-safe.
 */
final class CountingDataSource implements DataSource {
    private final DataSource delegate;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger endsOfTransaction = new AtomicInteger();
    private final List<String> executed = new CopyOnWriteArrayList<>();
    private volatile Thread counted;

    CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    int connections() {
        return connections.get();
    }

    /** The SQL of every statement executed since the last {@link #reset()}, in order. */
    List<String> executed() {
        return List.copyOf(executed);
    }

    /** Commits and rollbacks since the last {@link #reset()}. */
    int endsOfTransaction() {
        return endsOfTransaction.get();
    }

    /** Starts counting afresh, what the calling thread does from now on. */
    void reset() {
        counted = Thread.currentThread();
        connections.set(0);
        endsOfTransaction.set(0);
        executed.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counted(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return counted(delegate.getConnection(username, password));
    }

    private Connection counted(Connection connection) {
        if (Thread.currentThread() == counted) {
            connections.incrementAndGet();
        }
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if ((name.equals("commit") || name.equals("rollback")) && Thread.currentThread() == counted) {
                endsOfTransaction.incrementAndGet();
            }
            Object result = invoke(connection, method, args);
            if (result instanceof Statement statement && name.startsWith("prepare")) {
                return statement(statement, (String) args[0], method.getReturnType());
            }
            if (result instanceof Statement statement) {
                return statement(statement, null, method.getReturnType());
            }
            return result;
        };
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }

    private Object statement(Statement statement, String preparedSql, Class<?> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute") && Thread.currentThread() == counted) {
                executed.add(preparedSql != null ? preparedSql : String.valueOf(args == null ? "" : args[0]));
            }
            return invoke(statement, method, args);
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
