-- saveKnownDevice: files a device digest in its user's sorted set (score: its expiry, ms), which decides whether a
-- device is known, and keeps at most ARGV[3] there: the ones that expire first go. KEYS[1] = ap:{u:<user>}:d.
-- ARGV: digest (hex), expiresAt, the bound, the caller's wall clock (ms) for the set's TTL.
-- Returns the digests dropped by the bound (the caller deletes their pointers, which name other slots).
local k = KEYS[1]
redis.call('ZADD', k, ARGV[2], ARGV[1])
local dropped = {}
local extra = redis.call('ZCARD', k) - tonumber(ARGV[3])
if extra > 0 then
    local popped = redis.call('ZPOPMIN', k, extra)
    for i = 1, #popped, 2 do table.insert(dropped, popped[i]) end
end
-- The set lives as long as its longest-lived device; one already past on the clock is left to purgeExpired.
local last = redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) > tonumber(ARGV[4]) then
    redis.call('PEXPIREAT', k, string.format('%.0f', tonumber(last[2])))
else
    redis.call('PERSIST', k)
end
return dropped
