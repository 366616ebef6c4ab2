package dev.steward.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Bandits on simulated rewards: traffic converges to the better arm and moves when the rewards change. */
class BanditAllocatorTest {
    @Test
    void thompsonSamplingConvergesToTheBetterArmAndMovesWhenTheRewardsChange() {
        BanditAllocator bandit = new BanditAllocator(new DeploymentSpec.Bandit("thompson", "binary", 0, 0.99), List.of("a", "b"), 7);
        SplittableRandom world = new SplittableRandom(11);
        double[] p = {0.3, 0.6};
        assertThat(share(bandit, world, p, 3_000)[1]).as("b pays more").isGreaterThan(0.85);
        p = new double[] {0.7, 0.2};
        assertThat(share(bandit, world, p, 3_000)[0]).as("now a pays more").isGreaterThan(0.75);
        assertThat(bandit.posterior().get(0).meanReward()).isBetween(0.6, 0.8);
    }

    @Test
    void epsilonGreedyExploresAtItsRateAndExploitsTheBestMean() {
        BanditAllocator bandit = new BanditAllocator(new DeploymentSpec.Bandit("epsilon_greedy", "real", 0.1, 1), List.of("a", "b", "c"), 3);
        SplittableRandom world = new SplittableRandom(5);
        int[] counts = new int[3];
        double[] means = {1.0, 2.0, 1.5};
        for (int i = 0; i < 5_000; i++) {
            int arm = bandit.choose();
            counts[arm]++;
            bandit.reward(bandit.arms().get(arm), means[arm] + world.nextGaussian());
        }
        assertThat(counts[1] / 5_000.0).isGreaterThan(0.85);
        assertThat(counts[0]).as("explored").isGreaterThan(50);
        assertThat(bandit.posterior().get(1).share()).isEqualTo(counts[1] / 5_000.0);
    }

    @Test
    void realRewardsUseAGaussianPosterior() {
        BanditAllocator bandit = new BanditAllocator(new DeploymentSpec.Bandit("thompson", "real", 0, 1), List.of("a", "b"), 1);
        SplittableRandom world = new SplittableRandom(2);
        double[] means = {0.0, 0.5};
        int b = 0;
        for (int i = 0; i < 3_000; i++) {
            int arm = bandit.choose();
            b += arm;
            bandit.reward(bandit.arms().get(arm), means[arm] + world.nextGaussian());
        }
        assertThat(b / 3_000.0).isGreaterThan(0.85);
    }

    private static double[] share(BanditAllocator bandit, SplittableRandom world, double[] p, int requests) {
        double[] counts = new double[p.length];
        for (int i = 0; i < requests; i++) {
            int arm = bandit.choose();
            if (i >= requests / 2) {
                counts[arm]++;
            }
            bandit.reward(bandit.arms().get(arm), world.nextDouble() < p[arm] ? 1 : 0);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] /= requests / 2.0;
        }
        return counts;
    }
}
