package io.prometheusrelay.log;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupCommitterTests {

	/** Records what the committer does; the first commit waits until released. */
	private static final class Recorder implements GroupCommitter.Handler<Integer> {

		final List<List<Integer>> groups = new CopyOnWriteArrayList<>();

		final List<Integer> refused = new CopyOnWriteArrayList<>();

		final AtomicInteger idles = new AtomicInteger();

		final CountDownLatch firstCommitStarted = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void commit(List<Integer> group) {
			if (group.contains(-1)) {
				throw new IllegalStateException("a bug");
			}
			this.groups.add(List.copyOf(group));
			this.firstCommitStarted.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void idle() {
			this.idles.incrementAndGet();
		}

		@Override
		public void refuse(Integer item) {
			this.refused.add(item);
		}

	}

	@Test
	void everythingQueuedWhileACommitRunsIsCommittedAsOneGroupInOrder() throws Exception {
		Recorder recorder = new Recorder();
		try (GroupCommitter<Integer> committer = new GroupCommitter<>("test-committer", 16, 16, Duration.ofMillis(50),
				recorder)) {
			committer.start();
			committer.offer(0);
			assertThat(recorder.firstCommitStarted.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i <= 5; i++) {
				assertThat(committer.offer(i)).isTrue();
			}
			assertThat(committer.queued()).isEqualTo(5);
			recorder.release.countDown();
			awaitGroups(recorder, 2);
			assertThat(recorder.groups).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5));
		}
	}

	@Test
	void aFullQueueRefusesTheOfferAndTheHousekeepingRunsWhenIdle() throws Exception {
		Recorder recorder = new Recorder();
		try (GroupCommitter<Integer> committer = new GroupCommitter<>("test-committer", 2, 16, Duration.ofMillis(20),
				recorder)) {
			committer.start();
			committer.offer(0);
			assertThat(recorder.firstCommitStarted.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(committer.offer(1)).isTrue();
			assertThat(committer.offer(2)).isTrue();
			assertThat(committer.offer(3)).isFalse();
			recorder.release.countDown();
			awaitGroups(recorder, 2);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (recorder.idles.get() < 3 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(recorder.idles.get()).isGreaterThanOrEqualTo(3);
		}
		assertThat(recorder.refused).isEmpty();
	}

	@Test
	void aGroupWhoseCommitFailsUnexpectedlyIsRefusedAndTheNextGroupsStillCommit() throws Exception {
		Recorder recorder = new Recorder();
		recorder.release.countDown();
		try (GroupCommitter<Integer> committer = new GroupCommitter<>("test-committer", 16, 1, Duration.ofMillis(50),
				recorder)) {
			committer.start();
			committer.offer(-1);
			committer.offer(7);
			awaitGroups(recorder, 1);
			assertThat(recorder.refused).containsExactly(-1);
			assertThat(recorder.groups).containsExactly(List.of(7));
		}
	}

	@Test
	void closingCommitsWhatIsQueuedAndRefusesWhatIsOfferedAfter() throws Exception {
		Recorder recorder = new Recorder();
		GroupCommitter<Integer> committer = new GroupCommitter<>("test-committer", 16, 16, Duration.ofMillis(50),
				recorder);
		committer.start();
		committer.offer(0);
		assertThat(recorder.firstCommitStarted.await(10, TimeUnit.SECONDS)).isTrue();
		committer.offer(1);
		Thread closer = new Thread(committer::close);
		closer.start();
		while (committer.offer(2)) {
			// Until the committer is closing, offers are taken: wait for the close to begin.
			Thread.onSpinWait();
		}
		recorder.release.countDown();
		closer.join(10_000);
		assertThat(closer.isAlive()).isFalse();
		assertThat(committer.isStopped()).isTrue();
		assertThat(recorder.groups.stream().flatMap(List::stream).filter(item -> item == 1)).hasSize(1);
		assertThat(committer.offer(3)).isFalse();
	}

	private static void awaitGroups(Recorder recorder, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (recorder.groups.size() + recorder.refused.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
	}

}
