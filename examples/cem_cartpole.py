"""Solve CartPole-v1 with the Deep Cross-Entropy Method in a few seconds.

    python examples/cem_cartpole.py

100 sessions per iteration play together (one batched policy forward per
step); the 30% best sessions (ties included) teach the policy by minimizing
−Σ ln π(a|s); training stops once the greedy policy averages 475 over 100
episodes.
"""

from numnet.rl import CEM

agent = CEM(
    "CartPole-v1",
    n_sessions=100,
    percentile=70,
    hidden=(64,),
    lr=1e-2,
    target_return=475,
    seed=0,
)
agent.fit(callback=lambda r: print(f"iteration {r['iteration']:3d}: mean return {r['mean']:6.1f}"))
returns = agent.evaluate(n_episodes=100)
print(f"greedy policy: {returns.mean():.1f} ± {returns.std():.1f} over 100 episodes")
agent.save("runs/cem-cartpole-example")
