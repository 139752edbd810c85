package dev.accesspass.servlet.testing;

import dev.accesspass.AccessPass;
import dev.accesspass.AuthHooks;
import dev.accesspass.FieldErrors;
import dev.accesspass.User;
import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.LogoutEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.RegistrationForm;
import dev.accesspass.event.SecurityEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * {@link AuthHooks} that record every call, with optional behaviour for the deciding hooks. Thread-safe.
 */
public class RecordingHooks implements AuthHooks {
    public final List<RegisterEvent> registered = new CopyOnWriteArrayList<>();
    public final List<LoginEvent> logins = new CopyOnWriteArrayList<>();
    public final List<LogoutEvent> logouts = new CopyOnWriteArrayList<>();
    public final List<AccountDeletedEvent> deleted = new CopyOnWriteArrayList<>();
    public final List<SecurityEvent> securityEvents = new CopyOnWriteArrayList<>();
    public final List<RegistrationForm> validated = new CopyOnWriteArrayList<>();
    /** The instance given to {@link #attach}: how a hook reaches the Java API, since events carry data only. */
    public volatile AccessPass attached;

    private volatile BiConsumer<RegistrationForm, FieldErrors> validation = (form, errors) -> { };
    private volatile Function<User, Map<String, Object>> extraFields = user -> Map.of();

    @Override
    public void attach(AccessPass accessPass) {
        this.attached = accessPass;
    }

    /** What {@code validateRegistration} does besides recording. */
    public RecordingHooks validation(BiConsumer<RegistrationForm, FieldErrors> validation) {
        this.validation = validation;
        return this;
    }

    /** What {@code loginResponse} returns. */
    public RecordingHooks loginResponse(Function<User, Map<String, Object>> extraFields) {
        this.extraFields = extraFields;
        return this;
    }

    /** The security events of one type, in order. */
    public List<SecurityEvent> events(SecurityEvent.Type type) {
        return securityEvents.stream().filter(e -> e.type() == type).toList();
    }

    @Override
    public void validateRegistration(RegistrationForm form, FieldErrors errors) {
        validated.add(form);
        validation.accept(form, errors);
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        registered.add(event);
    }

    @Override
    public void afterLogin(LoginEvent event) {
        logins.add(event);
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return extraFields.apply(user);
    }

    @Override
    public void afterLogout(LogoutEvent event) {
        logouts.add(event);
    }

    @Override
    public void afterAccountDeleted(AccountDeletedEvent event) {
        deleted.add(event);
    }

    @Override
    public void onSecurityEvent(SecurityEvent event) {
        securityEvents.add(event);
    }
}
