-- purgeExpired for one known device: removes the digest ARGV[1] from its user's set KEYS[1] = ap:{u:<user>}:d if
-- it has expired at ARGV[2] (the caller's now, ms); a device saved again since, with a later expiry, stays.
-- Returns 1 if removed (the caller then deletes its pointer), else 0.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
    redis.call('ZREM', KEYS[1], ARGV[1])
    return 1
end
return 0
