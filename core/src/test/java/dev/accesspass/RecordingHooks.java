package dev.accesspass;

import dev.accesspass.event.AccountDeletedEvent;
import dev.accesspass.event.LoginEvent;
import dev.accesspass.event.PasswordChangeEvent;
import dev.accesspass.event.PasswordResetEvent;
import dev.accesspass.event.RegisterEvent;
import dev.accesspass.event.RegistrationForm;
import dev.accesspass.event.SecurityEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/** Hooks that record what core told them, with optional behaviour for the deciding hooks. Thread-safe. */
final class RecordingHooks implements AuthHooks {
    final List<SecurityEvent> events = new CopyOnWriteArrayList<>();
    final List<Object> calls = new CopyOnWriteArrayList<>();
    volatile AccessPass accessPass;
    volatile BiConsumer<RegistrationForm, FieldErrors> validation = (form, errors) -> { };
    volatile Consumer<RegisterEvent> onRegister = event -> { };
    volatile Function<User, Map<String, Object>> loginResponse = user -> Map.of();

    @Override
    public void attach(AccessPass accessPass) {
        this.accessPass = accessPass;
    }

    @Override
    public void validateRegistration(RegistrationForm form, FieldErrors errors) {
        validation.accept(form, errors);
    }

    @Override
    public void afterRegister(RegisterEvent event) {
        calls.add(event);
        onRegister.accept(event);
    }

    @Override
    public void afterLogin(LoginEvent event) {
        calls.add(event);
    }

    @Override
    public Map<String, Object> loginResponse(User user) {
        return loginResponse.apply(user);
    }

    @Override
    public void afterAccountDeleted(AccountDeletedEvent event) {
        calls.add(event);
    }

    @Override
    public void afterPasswordReset(PasswordResetEvent event) {
        calls.add(event);
    }

    @Override
    public void afterPasswordChange(PasswordChangeEvent event) {
        calls.add(event);
    }

    @Override
    public void onSecurityEvent(SecurityEvent event) {
        events.add(event);
    }

    /** The security event types seen so far, in order. */
    List<SecurityEvent.Type> types() {
        return events.stream().map(SecurityEvent::type).toList();
    }

    /** The recorded hook calls of one event type. */
    <T> List<T> calls(Class<T> type) {
        return calls.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
