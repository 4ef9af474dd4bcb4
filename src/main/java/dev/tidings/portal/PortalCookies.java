package dev.tidings.portal;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.UriInfo;

/** The session cookie: HttpOnly, SameSite=Strict, Secure whenever the portal is reached over https. */
final class PortalCookies {

    static final String SESSION = "tidings_portal";

    private PortalCookies() {
    }

    static NewCookie session(String token, UriInfo uri) {
        return cookie(token, (int) PortalSessions.SESSION_LIFETIME.toSeconds(), uri);
    }

    /** Tells the browser to forget the cookie (sign-out). */
    static NewCookie cleared(UriInfo uri) {
        return cookie("", 0, uri);
    }

    private static NewCookie cookie(String value, int maxAge, UriInfo uri) {
        // Path "/": the live view's EventSource presents it on /events/stream, the only API path that accepts it
        return new NewCookie.Builder(SESSION).value(value).path("/").maxAge(maxAge).httpOnly(true)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme())).sameSite(NewCookie.SameSite.STRICT).build();
    }
}
