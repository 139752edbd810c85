-- Adds a member to a per-user index set and keeps the set at least as long as its longest-lived member.
-- KEYS[1] = the set, ARGV[1] = member, ARGV[2] = the member's time to live in ms ('' = forever).
local created = redis.call('EXISTS', KEYS[1]) == 0
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] == '' then
    redis.call('PERSIST', KEYS[1])
    return 1
end
local ttl = tonumber(ARGV[2])
local current = redis.call('PTTL', KEYS[1])
if created or (current >= 0 and ttl > current) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
