"""The shared send budget in Redis (`REDIS_URL`): one Lua script takes a turn atomically.

Redis runs a script without interleaving any other command, so checking every window of every
key and recording the send is one atomic step, whatever the number of processes. Send times
are kept newest first in one list per limit key (as many as the key's strictest limit counts),
and expire an hour after the last send; a 429 sets a pause key that expires by itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis

from bot.telegram.delivery.budget.shared import rules_for

# KEYS: the limit keys. ARGV: now, then per key: its number of rules, then (count, seconds)
# for each rule. Returns the seconds to wait as a string ("0": taken); Lua numbers would come
# back as integers.
_TAKE = """
local now = tonumber(ARGV[1])
local i = 2
local wait = 0
local keeps = {}
for k = 1, #KEYS do
  local rules = tonumber(ARGV[i]); i = i + 1
  local keep = 1
  local times = redis.call('LRANGE', KEYS[k], 0, 99)
  for r = 1, rules do
    local count = tonumber(ARGV[i]); local seconds = tonumber(ARGV[i + 1]); i = i + 2
    if count > keep then keep = count end
    if #times >= count then
      local w = tonumber(times[count]) + seconds - now
      if w > wait then wait = w end
    end
  end
  keeps[k] = keep
  local paused = redis.call('GET', KEYS[k] .. ':pause')
  if paused then
    local w = tonumber(paused) - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for k = 1, #KEYS do
  redis.call('LPUSH', KEYS[k], ARGV[1])
  redis.call('LTRIM', KEYS[k], 0, keeps[k] - 1)
  redis.call('EXPIRE', KEYS[k], 3600)
end
return '0'
"""


class RedisBudget:
    """The shared budget in Redis, under `prefix` (one bot's keys never meet another's)."""

    def __init__(self, client: Redis, prefix: str, now: Callable[[], float]) -> None:
        self._client = client
        self._prefix = prefix
        self._now = now
        self._take = client.register_script(_TAKE)

    @classmethod
    def from_url(cls, url: str, prefix: str, now: Callable[[], float]) -> RedisBudget:
        """A budget on the Redis server at `url`."""
        return cls(Redis.from_url(url), prefix, now)

    async def take(self, chat_key: str, is_group: bool) -> float:
        """Take a turn for a message to this chat, or say how long to wait."""
        keys: list[str] = []
        args: list[Any] = [repr(self._now())]
        for key, rules in rules_for(chat_key, is_group):
            keys.append(f"{self._prefix}{key}")
            args.append(len(rules))
            for rule in rules:
                args += [rule.count, repr(rule.seconds)]
        answer = await self._take(keys=keys, args=args)
        return max(float(answer), 0.0)

    async def pause(self, chat_key: str, seconds: float) -> None:
        """Hold every process's messages to this chat for `seconds`."""
        key = f"{self._prefix}chat:{chat_key}:pause"
        await self._client.set(key, repr(self._now() + seconds), ex=max(math.ceil(seconds), 1))

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
