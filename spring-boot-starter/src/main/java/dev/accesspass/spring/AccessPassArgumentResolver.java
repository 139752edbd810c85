package dev.accesspass.spring;

import dev.accesspass.Authentication;
import dev.accesspass.User;
import dev.accesspass.servlet.AccessPassFilter;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * A controller method parameter of type {@link User} or {@link Authentication} gets the token's user or the whole
 * authentication; {@code null} on an unprotected handler called without a valid token.
 */
final class AccessPassArgumentResolver implements HandlerMethodArgumentResolver {
    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == User.class || type == Authentication.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
                                  NativeWebRequest request, WebDataBinderFactory binderFactory) {
        Object auth = request.getAttribute(AccessPassFilter.AUTHENTICATION_ATTRIBUTE,
                RequestAttributes.SCOPE_REQUEST);
        if (!(auth instanceof Authentication authentication)) {
            return null;
        }
        return parameter.getParameterType() == User.class ? authentication.user() : authentication;
    }
}
