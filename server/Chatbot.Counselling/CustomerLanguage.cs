namespace Chatbot.Counselling;

/// <summary>The language a customer is answered in: Korean first, English for customers who ask in English.</summary>
public enum CustomerLanguage
{
    Korean,
    English,
}
