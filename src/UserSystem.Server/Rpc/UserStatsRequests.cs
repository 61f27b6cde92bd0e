using System.Globalization;
using Contract = UserSystem.Contracts;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Rpc;

/// <summary><c>GetUserStats</c>: the day range a request asks for, and the answer with every day and status filled in.</summary>
public static class UserStatsRequests
{
    /// <summary>The days of sign-ups when the request's <c>days</c> is 0.</summary>
    public const int DefaultDays = 30;

    /// <summary>The most days one call returns (a year, leap or not); larger requests are capped to it.</summary>
    public const int MaxDays = 366;

    /// <summary>The first UTC day of the range: <c>days</c> days ending with <paramref name="today"/>.</summary>
    public static DateOnly FirstDay(Contract.GetUserStatsRequest request, DateOnly today)
    {
        if (request.Days < 0)
        {
            throw InvalidInputException.ForField("days", "must be zero or greater");
        }

        var days = request.Days == 0 ? DefaultDays : Math.Min(request.Days, MaxDays);
        return today.AddDays(1 - days);
    }

    public static Contract.GetUserStatsResponse ToContract(this UserStats stats, DateOnly firstDay, DateOnly today)
    {
        var perDay = stats.CreatedPerDay.ToDictionary(day => day.Day, day => day.Count);
        var response = new Contract.GetUserStatsResponse { Total = stats.Total, LatestEventId = stats.LatestEventSequence };
        foreach (var status in Enum.GetValues<AccountStatus>().Order())
        {
            response.StatusCounts.Add(new Contract.UserStatusCount
            {
                Status = (Contract.UserStatus)status,
                Count = stats.CountsByStatus.GetValueOrDefault(status),
            });
        }

        // Dense, so clients draw the days as they are; a day after today (another instance's
        // clock running ahead) is left out rather than shown as the future.
        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            response.DailyCreated.Add(new Contract.DailyUserCount
            {
                Date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Count = perDay.GetValueOrDefault(day),
            });
        }

        return response;
    }
}
