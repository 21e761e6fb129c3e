package io.prometheusrelay.apiserver.catchup;

import java.util.UUID;

/**
 * Who this api-server is among its peers, new on every start. Every replica can be given the same
 * list of peers (one Consul service, one static list for all): a replica that meets its own
 * identity in a peer's answer has reached itself and skips that address.
 *
 * @param id a random UUID
 */
public record ReplicaIdentity(String id) {

	public static ReplicaIdentity random() {
		return new ReplicaIdentity(UUID.randomUUID().toString());
	}

}
