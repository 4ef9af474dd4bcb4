package dev.tidings.account;

import dev.tidings.paging.Page;
import dev.tidings.paging.PageParameters;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.UUID;

/** Accounts and account keys (CONTRACT §11). */
@Path("/accounts")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Accounts")
public class AccountResource {

    @Inject
    AccountService accounts;
    @Inject
    CurrentCaller caller;

    @POST
    @OperatorOnly
    @Operation(summary = "Create an account (operators only)")
    public Uni<RestResponse<AccountViews.AccountView>> create(@NotNull @Valid AccountViews.CreateAccount request) {
        return accounts.create(request.name()).map(account -> RestResponse.ResponseBuilder
                .<AccountViews.AccountView>created(URI.create("/accounts/" + account.id())).entity(AccountViews.AccountView.of(account)).build());
    }

    @GET
    @OperatorOnly
    @Operation(summary = "List accounts (operators only)")
    public Uni<Page<AccountViews.AccountView>> list(@QueryParam("limit") String limit, @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        return accounts.list(PageParameters.afterId(after), size + 1)
                .map(rows -> Page.of(rows, size, AccountViews.AccountView::of, account -> account.id().toString()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get an account", description = "An account key may read its own account only.")
    public Uni<AccountViews.AccountView> get(@PathParam("id") UUID id) {
        return accounts.find(caller.get(), id).map(AccountViews.AccountView::of);
    }

    @POST
    @Path("/{id}/keys")
    @Operation(summary = "Issue an account key", description = "The key (tdk_…) is shown in this answer only.")
    public Uni<RestResponse<AccountViews.IssuedKey>> issueKey(@PathParam("id") UUID id, @Valid AccountViews.CreateKey request) {
        String description = request == null ? null : request.description();
        return accounts.issueKey(caller.get(), id, description).map(key -> RestResponse.ResponseBuilder
                .<AccountViews.IssuedKey>created(URI.create("/accounts/" + id + "/keys/" + key.id())).entity(key).build());
    }

    @GET
    @Path("/{id}/keys")
    @Operation(summary = "List an account's keys", description = "Each key by its prefix (the first 8 characters after tdk_), never the key.")
    public Uni<Page<AccountViews.KeyView>> keys(@PathParam("id") UUID id, @QueryParam("limit") String limit,
                                                @QueryParam("after") String after) {
        int size = PageParameters.limit(limit);
        return accounts.keys(caller.get(), id, PageParameters.afterId(after), size + 1)
                .map(rows -> Page.of(rows, size, AccountViews.KeyView::of, key -> key.id().toString()));
    }

    @DELETE
    @Path("/{id}/keys/{keyId}")
    @ResponseStatus(204)
    @Operation(summary = "Revoke an account key", description = "401 from then on here, and on every replica within 5 seconds.")
    public Uni<Void> revokeKey(@PathParam("id") UUID id, @PathParam("keyId") UUID keyId) {
        return accounts.revokeKey(caller.get(), id, keyId);
    }
}
