package dev.tidings.account;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/** Documents the {@code Tidings-Account} header on every operation of the API (CONTRACT §11). */
public class AccountHeaderDocumentation implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        return operation.addParameter(OASFactory.createParameter()
                .name(Caller.ACCOUNT_HEADER)
                .in(Parameter.In.HEADER)
                .description("Operator keys only: act exactly as this account would. An account key may name only its own account (another: 403).")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uuid")));
    }
}
