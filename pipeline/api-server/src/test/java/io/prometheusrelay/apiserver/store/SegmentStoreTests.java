package io.prometheusrelay.apiserver.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.prometheusrelay.apiserver.StoreHealthIndicator;
import io.prometheusrelay.log.DataDirectoryLock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Appending, rolling, retention and the batch index of the segment store, as the writer keeps them. */
class SegmentStoreTests extends SegmentStoreTestBase {

	@Test
	void appendsAreReadBackInOrderAndIndexed() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 1, 1000));
		append(store, request("up", 2, 2000));
		append(store, request("down", 3, 1500));
		assertThat(readAll(store.dataDir())).containsExactly(request("up", 1, 1000), request("up", 2, 2000),
				request("down", 3, 1500));
		assertThat(store.index().get(key("up"))).contains(new LatestIndex.LatestSample(2, 2000));
		assertThat(store.index().get(key("down"))).contains(new LatestIndex.LatestSample(3, 1500));
		assertThat(store.index().size()).isEqualTo(2);
	}

	@Test
	void indexKeepsTheNewestSampleEvenWhenAnOlderOneArrivesLater() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 2, 2000));
		append(store, request("up", 1, 1000));
		assertThat(store.index().get(key("up"))).contains(new LatestIndex.LatestSample(2, 2000));
	}

	@Test
	void namesSegmentsByUtcCreationTimeAndLinksLatestToTheNewest() throws Exception {
		SegmentStore store = open(options());
		assertThat(store.segments()).extracting(p -> p.getFileName().toString())
			.containsExactly("20261121T100000.000Z.seg");
		assertThat(latestTarget()).isEqualTo(store.segments().get(0).getFileName());
	}

	@Test
	void rollsBySizeAndSwapsTheLatestLink() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 10; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, i));
		}
		List<Path> segments = store.segments();
		assertThat(segments).hasSizeGreaterThan(2);
		assertThat(latestTarget()).isEqualTo(segments.get(segments.size() - 1).getFileName());
		assertThat(Files.isSymbolicLink(this.dataDir.resolve("latest"))).isTrue();
		assertThat(readAll(this.dataDir)).hasSize(10);
		assertThat(this.registry.get("relay.store.segment.rolls").counter().count()).isEqualTo(segments.size() - 1);
	}

	@Test
	void rollsByAgeOnTheNextAppend() throws Exception {
		SegmentStore store = open(options().segmentMaxAge(Duration.ofMinutes(10)).build());
		append(store, request("a", 1, 1));
		this.clock.advance(Duration.ofMinutes(11));
		append(store, request("b", 2, 2));
		assertThat(store.segments()).extracting(p -> p.getFileName().toString())
			.containsExactly("20261121T100000.000Z.seg", "20261121T101100.000Z.seg");
		assertThat(latestTarget().toString()).isEqualTo("20261121T101100.000Z.seg");
	}

	@Test
	void retentionDeletesTheOldestSegmentsOverTheByteLimit() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).retentionMaxBytes(600).build());
		for (int i = 0; i < 20; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, i));
		}
		// Retention runs after the ACKs, so the last append's may still be on its way.
		await().atMost(Duration.ofSeconds(5)).until(() -> totalSize(store) <= 600);
		assertThat(this.registry.get("relay.store.retention.deletions").counter().count()).isPositive();
		assertThat(readAll(this.dataDir)).last().isEqualTo(request("m19", 19, 19));
	}

	@Test
	void retentionDeletesSegmentsOlderThanTheMaximumAge() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(100).retentionMaxAge(Duration.ofHours(1)).build());
		append(store, request("old", 1, 1));
		this.clock.advance(Duration.ofMillis(1));
		append(store, request("new", 2, 2));
		Path oldest = store.segments().get(0);
		Files.setLastModifiedTime(oldest, FileTime.from(this.clock.instant().minus(Duration.ofHours(2))));
		this.clock.advance(Duration.ofMillis(1));
		append(store, request("newer", 3, 3));
		await().atMost(Duration.ofSeconds(5)).until(() -> !store.segments().contains(oldest));
	}

	@Test
	void storesABatchDeliveredAgainOnceAndAcknowledgesEveryDelivery() throws Exception {
		SegmentStore store = open(options());
		byte[] batch = request("a", 1, 1).toByteArray();
		CompletableFuture<Void> first = store.append(batch);
		CompletableFuture<Void> sameGroup = store.append(batch.clone());
		first.get(10, TimeUnit.SECONDS);
		sameGroup.get(10, TimeUnit.SECONDS);
		store.append(batch.clone()).get(10, TimeUnit.SECONDS);
		append(store, request("b", 2, 2));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("b", 2, 2));
		assertThat(this.registry.get("relay.store.duplicates").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("relay.store.batches").counter().count()).isEqualTo(2);
	}

	@Test
	void knowsEveryBatchItHoldsAcrossARestartSoAReplayOfAnyAgeIsNotStoredTwice() throws Exception {
		SegmentStore before = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 6; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(before, request("m" + i, i, i));
		}
		before.close();
		this.opened.remove(before);
		this.clock.advance(Duration.ofHours(5));
		SegmentStore after = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 6; i++) {
			append(after, request("m" + i, i, i));
		}
		append(after, request("m6", 6, 6));
		assertThat(readAll(this.dataDir)).extracting(r -> r.getTimeseries(0).getLabels(0).getValue())
			.containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
		assertThat(this.registry.get("relay.store.indexed.batches").gauge().value()).isEqualTo(7);
		assertThat(this.registry.get("relay.store.duplicates").counter().count()).isEqualTo(6);
	}

	@Test
	void storesEveryDeliveryWhenDeduplicationIsOff() throws Exception {
		SegmentStore store = open(options().deduplicate(false).build());
		append(store, request("a", 1, 1));
		append(store, request("a", 1, 1));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("a", 1, 1));
	}

	@Test
	void listsEveryBatchWithWhereItIsAndReadsItBackByThatPlace() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 5; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, 1000 + i));
		}
		List<BatchIndex.Segment> inventory = store.inventory();
		assertThat(inventory).extracting(BatchIndex.Segment::name)
			.containsExactlyElementsOf(store.segments().stream().map(p -> p.getFileName().toString()).toList());
		List<BatchIndex.Entry> entries = inventory.stream().flatMap(segment -> segment.entries().stream()).toList();
		assertThat(entries).extracting(BatchIndex.Entry::newestSample).containsExactly(1000L, 1001L, 1002L, 1003L, 1004L);
		for (int i = 0; i < 5; i++) {
			BatchIndex.Entry entry = entries.get(i);
			String segment = inventory.stream().filter(s -> s.entries().contains(entry)).findFirst().get().name();
			assertThat(store.read(segment, entry.offset(), entry.id())).hasValueSatisfying(
					payload -> assertThat(payload).isEqualTo(request("m" + entries.indexOf(entry), entries.indexOf(entry),
							1000 + entries.indexOf(entry)).toByteArray()));
			assertThat(store.read(segment, entry.offset() + 1, entry.id())).isEmpty();
			assertThat(store.read(segment, entry.offset(), new BatchId(1, 2))).isEmpty();
		}
	}

	@Test
	void aCopyFromAPeerIsStoredAndIndexedButNotShownToFollowers() throws Exception {
		SegmentStore store = open(options());
		List<byte[]> followed = new ArrayList<>();
		store.onCommit(followed::add);
		store.appendCopy(request("copied", 1, 1).toByteArray()).get(10, TimeUnit.SECONDS);
		append(store, request("relayed", 2, 2));
		store.append(request("copied", 1, 1).toByteArray()).get(10, TimeUnit.SECONDS);
		assertThat(readAll(this.dataDir)).containsExactly(request("copied", 1, 1), request("relayed", 2, 2));
		assertThat(followed).containsExactly(request("relayed", 2, 2).toByteArray());
		assertThat(store.index().get(key("copied"))).isPresent();
	}

	@Test
	void retentionRaisesAFloorThatSurvivesRestartsAndForgetsTheDeletedBatches() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).retentionMaxBytes(600).build());
		assertThat(store.retentionFloor()).isEqualTo(Long.MIN_VALUE);
		for (int i = 0; i < 20; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, 1000 + i));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> totalSize(store) <= 600);
		long floor = store.retentionFloor();
		String oldestKept = readAll(this.dataDir).get(0).getTimeseries(0).getLabels(0).getValue();
		int firstKept = Integer.parseInt(oldestKept.substring(1));
		assertThat(floor).isEqualTo(1000 + firstKept - 1);
		// What retention deleted is no longer held: delivered again, it is stored again.
		assertThat(store.holds(BatchId.of(request("m0", 0, 1000).toByteArray()))).isFalse();
		store.close();
		this.opened.remove(store);
		assertThat(open(options().segmentMaxBytes(200).retentionMaxBytes(600).build()).retentionFloor()).isEqualTo(floor);
	}

	@Test
	void reportsHealthWithWhatTheStoreHolds() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 1, 1));
		org.springframework.boot.health.contributor.Health health = new StoreHealthIndicator(store).health();
		assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
		assertThat(health.getDetails()).containsEntry("segments", 1).containsEntry("series", 1);
		assertThat((long) health.getDetails().get("bytes")).isEqualTo(Files.size(store.segments().get(0)));
	}

	@Test
	void refusesADataDirectoryAnotherInstanceOwns() throws Exception {
		open(options());
		assertThatExceptionOfType(DataDirectoryLock.DataDirectoryInUseException.class)
			.isThrownBy(() -> SegmentStore.open(options().build(), this.clock, this.registry))
			.withMessageContaining("is in use by another api-server (pid " + ProcessHandle.current().pid() + ")");
	}

	@Test
	void refusesAppendsWhenTheQueueIsFullWithoutLosingAcceptedOnes() throws Exception {
		SegmentStore store = open(options().maxQueuedAppends(1).build());
		List<CompletableFuture<Void>> appends = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			appends.add(store.append(request("m" + i, i, i).toByteArray()));
		}
		int accepted = 0;
		int busy = 0;
		for (CompletableFuture<Void> append : appends) {
			try {
				append.get(10, TimeUnit.SECONDS);
				accepted++;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(StoreBusyException.class);
				busy++;
			}
		}
		assertThat(busy).isPositive();
		assertThat(readAll(this.dataDir)).hasSize(accepted);
	}

}
